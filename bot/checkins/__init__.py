"""Keeping a pairing alive: check-ins at the agreed cadence and their buttons, report-backs, stalled
pairings, health pulses, and what happens when Slack cannot reach someone.

Writes the checkins, report_backs and pulses tables (`bot.people.data_rights` exports them and forgets
what a person wrote) and the check-in side of a pairing's rhythm: ``pairings.next_checkin_at`` once
expectations set the first one, ``last_met_at``, and the active ⇄ stalled move. What it sends on its own
goes through the outbox with a builder from `bot.messages.checkins`; answers to a click go back through
`handlers/checkins.py`.

May import: `bot.rules`, `bot.messages`, `bot.people`, the shared machinery (`bot.outbox`, `bot.pairings`),
`bot.runtime` and `storage`. Never `handlers`, nor a capability package other than `bot.people`.

Modules:

* ``pair``: the pair as check-ins see it (``Pair``, ``load_pairs``, ``load_pair``), ``CheckinStatus``, and
  the lookups every sub-flow shares.
* ``roster``: the pairs planners plan, read in bulk as plain rows (``read_pairs``, ``PlannedPair``,
  ``latest_checkins``), so a planner's pass costs a few statements per chunk of pairings.
* ``rhythm``: when a check-in falls (one cadence after the anchor, at the nudge hour in the organiser's
  zone); no SQL.
* ``planning``: the check-in planner (``plan_checkins``): resuming ended pauses, first check-ins, missed
  check-ins, and each cycle's check-in row and nudge; ``checkin_planners`` lists every planner here.
* ``answers``: "We met", a scheduled date, "Skip this time" and "Pause" (``CheckinAnswer``,
  ``CheckinClosed``).
* ``report_backs``: how it went, stored once, shared with the partner only with consent.
* ``stalls``: two cycles without a meeting nudge both; three mark the pairing stalled.
* ``pulses``: the health pulse, asked every ``health_review_days``, its score and private comment.
* ``unreachable``: the dispatcher's failure hook; a person gone from Slack pauses their pairing.
* ``time_zones``: a person's new zone moves the nudges they organise to the nudge hour there.
* ``grace``: the dispatcher's grace period per workspace (``grace_hours``).
"""
