"""The expectation-setting agreement as pure rules: what is asked, how an answer is checked, how two sets of
answers compare, and how a difference is settled (how the agreed terms read is
bot.messages.expectations.wording).

Each person answers the same questionnaire on their own. ``compare_answers`` turns the two sets of answers
into agreed terms plus the differences still to talk through; each difference is settled by one person
proposing a value and the other accepting it (or counter-proposing). Once nothing is open, ``final_terms``
gives the agreement both people confirm. Answers and terms are plain JSON-able dicts keyed by question key,
because that is how they are stored.

May import: the standard library and the other modules here. No Slack, no SQL. Import from the module
that owns a name:

* ``questionnaire``: every ``Question`` (``QUESTIONS``, ``QUESTION_BY_KEY``, ``COMPARED_KEYS``), its
  options, ``Role`` and the limits (``MAX_MEETINGS``, ``MIN_WINDOW_MINUTES``, ...).
* ``validation``: ``validate_answers`` (a whole questionnaire) and ``validate_field`` (one answer).
* ``comparison``: ``compare_answers`` into a ``Comparison`` of agreed terms and ``Difference`` rows.
* ``proposals``: ``Proposal``, ``propose``/``counter_propose``/``accept_proposal``, ``final_terms``, and
  ``term_end_reached`` (when an agreed term is over).
* ``status``: ``AgreementStatus`` of a round (drafting → proposed → confirmed; lapsed, withdrawn) and
  ``UNFINISHED``.
"""
