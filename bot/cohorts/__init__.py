"""Mentoring cohorts: a program opened for sign-ups in a window, paired by one round at its close, with a
shared start and planned end, a private survey at the mid-point and the end, and a program-level report.

May import: `bot.rules`, `bot.messages`, `bot.copilots` (its round and offers: a cohort's pairs are asked
and accept like any other), `bot.people`, `bot.oversight` (the CSV guard), the shared machinery
(`bot.outbox`, `bot.pairings`), `bot.runtime` and `storage`. Nothing imports it but `handlers` and the
assembly. States and dates are `bot.rules.cohorts`; what people read is `bot.messages.cohorts`.

Modules, in the order a cohort lives through them:
- `opening`: the admin's form checked (the channel asked of Slack), the cohort stored, its announcement
  queued for the day sign-ups open; which cohort a sign-up form is for, while it takes sign-ups.
- `rounds`: the dry run an admin previews (on request, and by DM the day before the close), the one round
  at the close (a planner), and each pair told the cohort's shared dates (a planner).
- `surveys`: the mid-point and end surveys (a planner), answered privately.
- `report`: the program-level report (App Home) and its CSV: counts, and averages of 3 answers or more.
- `forget_me`: `/mentor forget-me` deletes the person's survey answers (a `person_forgotten` hook).
"""
