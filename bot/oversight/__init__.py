"""What leads and program admins may see: roles, summaries, the weekly digest and its chart, the export.

Program-level facts only: what a summary, a digest or the export shows is read by `program_facts`, which
names its columns (a test fails if a statement selects a private one). A person's own status is theirs.

May import: `bot.rules`, `bot.messages`, `bot.people`, the shared machinery, `bot.runtime` and `storage`.

Modules:
- `roles`: who sees what (admin: the workspace, lead: their people, anyone: themselves), the one admin
  check, and the Slack user groups an admin puts in a lead's care.
- `program_facts`: the program-level reads, column by column, as the facts `bot.rules.summary_figures`
  adds up; and who leads whom.
- `summaries`: what `/mentor summary` and App Home show someone (`VisibleSummary`), their own status, and
  their digest switch.
- `digests`: the weekly digest planner: Monday 09:00 in each lead's time zone, text and chart queued.
- `lead_facts`: a lead's cut of the workspace's facts, indexed once per digest pass (so a pass is linear in
  the workspace, not leads × pairings).
- `chart`: the digest's PNG of pairings by health over the last weeks.
- `export`: the CSV of every pairing in a workspace, and uploading it into an admin's DM.
"""
