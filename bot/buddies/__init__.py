"""Onboarding buddies: a new hire gets a short-term buddy, about the organization (how things work here,
who to ask), never from their own reporting line; not a mentor, not a manager, not a reviewer.

May import: `bot.rules` (the buddy rules are `bot.rules.buddies`, on the matching hard rules), `bot.messages`
(`bot.messages.buddies`), `bot.people`, `bot.checkins` (the timing rule of check-ins), the shared
machinery (`bot.outbox`), `bot.runtime` and `storage`. The program settings (on/off, term, start trigger)
are fields of `bot.people.program_settings.ProgramSettings`.

Modules, in the order a buddy pairing lives through them:
- `finding`: the volunteers who tick "I'd welcome new colleagues" as matching facts, asking the best not
  yet asked, admins told a count when nobody can be, offers expiring (a planner) so the next is asked.
- `consent`: the volunteer's Accept (the hard rules re-run; the agenda starts) or Decline (the next one).
- `agenda`: the welcome group DM with the checklist, the check-ins and the end of term (a planner), the
  new hire's ticks, ending early, and what App Home shows.
- `life`: starting on Slack's team_join (a hook) or on the org-chart start date (a planner); a leaver,
  forget-me and org-chart changes (hooks).
"""
