"""The people in a program: kept in step with Slack, their place in the org chart, the workspace's program
settings and topics, and each person's rights over their own data.

May import: `bot.rules`, `bot.messages`, the shared machinery, `bot.runtime` and `storage`; never another
capability package (copilots, expectations, checkins, network and oversight all import this one). What
those capabilities do when a person leaves, moves time zone or is forgotten, they do in the hooks
`bot/app.py` lists (`bot.runtime.Hooks`).

Modules:
- `directory`: the people table kept in step with Slack (users.info, users.list, user_change), the
  reporting lines up and down, and the hooks run when someone leaves or changes time zone.
- `org_chart`: one person's manager, team, title and level as they change: the change-set both ways of
  editing apply, and the admin's `/mentor admin person` form (read, check, save).
- `org_csv`: the org chart CSV as a file: reading it row by row, and `import-org --check` offline.
- `org_import`: `mentor-bot import-org`: the CSV into the people table in one transaction, loops cut.
- `program_settings`: the settings a program admin sets per workspace (validated, read fresh), and who
  counts as a program admin.
- `languages`: the language each person reads (their choice, Slack's locale, the workspace's default),
  messages built for someone else in theirs, and group messages for a pair reading two languages.
- `topics`: the workspace's stored list of mentoring topics (the rules for topics are `bot.rules.topics`).
- `standing`: whether the program's rules still allow a pairing of two people (the workspace's org chart,
  forgotten managers as unknown, the lifetime hard rules of `bot.rules.matching.facts`).
- `forgetting`: `/mentor forget-me`: private data deleted, the person anonymised, partners told,
  delivered messages that quoted them overwritten.
- `forgetting_traces`: what forget-me clears in other people's rows (lead groups and digests, contacts,
  promises), and the admins told whose manager is now unknown.
- `tombstones`: the keyed hash a tombstone keeps, so a returning Slack id gets its reports back.
- `person_export`: `mentor-bot export-person`: everything about one person and what they wrote, as JSON.
"""
