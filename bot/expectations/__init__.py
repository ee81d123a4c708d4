"""Setting expectations: each side answers on their own, the differences are settled, both confirm one
agreement; and the agreement's later life: reminders and lapse, revisit, pause, end, end of term.

May import: `bot.rules`, `bot.messages`, `bot.people`, the shared machinery, `bot.runtime` and `storage`.
Every state change is one transaction that first locks the pairing row (``rounds.member(..., lock=True)``).
What people read is built in bot/messages/expectations/ (same module names); the pure rules (questions,
validation, comparison, proposals, wording, round statuses) are in bot/rules/agreements/. Modules:

* ``rounds``: what every sub-flow shares: ``Refused``, ``Outcome``, the pair looked up by a member only
  (locked for a change), its rounds, their answers and comparison, and ``post`` (a message to one person or
  to the pair's group DM, through the outbox).
* ``kickoff``: ``start_expectations`` (round 1 and the welcome; matchmaking calls it when an offer is
  accepted) and ``remember_channel``.
* ``questionnaire``: the modal's contents (``questionnaire_for``), ``submit_answers``, and the comparison
  shared once both have answered.
* ``differences``: proposing, counter-proposing and accepting a value for a question they differ on.
* ``confirmation``: asking both to confirm, ``confirm_agreement``, putting the agreement in force and
  scheduling the first check-in.
* ``calendar``: ``send_agreed_meetings``, the agreed series as an .ics file in the pair's group DM (on
  each agreement put in force).
* ``reminders``: the planner that reminds at 2 and 5 working days and lapses or withdraws at 10 days.
* ``later_life``: ``revisit``, ``pause``/``resume``, ending by a member, and ``end_for_leaver`` (the
  person_left hook).
* ``term_end``: the planner that asks at the end of an agreed term, and ``choose_at_term_end``.
* ``home``: ``home_pairings``, the data behind the App Home section.
"""
