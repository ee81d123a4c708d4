"""What the bot says while two people set expectations, and in the later life of their agreement: pure
Block Kit builders (and modal state read back into plain answers). Person names are user text: always
escaped. Messages are bot.messages.message.Message values so services can enqueue them.

May import: the standard library, `bot.rules` and the rest of `bot.messages`. Never a service package,
`storage`, the outbox or a Slack client. Modules, by sub-flow (the services in bot/expectations/ mirror them):

* ``ids``: every action_id and callback_id (what the handlers listen for).
* ``wording``: ``format_value``, ``describe_difference``, ``explain_kind_mismatch``, ``format_terms``: how
  answers and terms read (moved here from bot.rules.agreements: it is words, and writes dates).
* ``forms``: one question as modal inputs and back, error placement, the loading and notice modals.
* ``kickoff``: ``PairNames`` and the welcome in the pair's group DM.
* ``questionnaire``: ``QuestionnaireForm``, the questionnaire modal and ``answers_from``.
* ``differences``: ``ProposalForm``, the differences message, the suggestion modal and message.
* ``confirmation``: the terms to confirm, the agreement in place, the first-meeting note.
* ``reminders``: the reminders to answer, the lapsed and withdrawn notes.
* ``later_life``: revisit, pause, the end modal (``REFLECTION_MAX_CHARS``), the ended and partner-left notes.
* ``term_end``: the end-of-term question, renew, networking and closed notes.
* ``home``: ``HomePairing`` and the App Home section.
"""
