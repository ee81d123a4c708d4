"""Copilot matching: who may be paired, how good a pairing is, and a whole round of pairings at once.

Pure rules (NumPy and OR-Tools, never Slack or SQL); the service layer (``bot.copilots.match_data``, ``offers`` and ``rounds``)
turns database rows into the facts and stores what these functions decide. Import from the module
that owns a name:

* ``facts``: the inputs (``MenteeFacts``, ``CopilotFacts``, ``MatchRules``, ``MatchHistory``,
  ``OrgChart``) and the hard rules (``blocking_reason``, ``explain_block``, reporting lines).
* ``scoring``: the six score parts and their weights, in whole centipoints.
* ``explanations``: every part of a score in plain words.
* ``ranking``: ``score_match`` and ``rank_candidates`` for one request.
* ``rounds``: ``assign_round`` (every open request at once, provably optimal) and the ``greedy_round``
  baseline, built from ``listing`` (each copilot's list: the first graph), ``candidates`` (bounded
  groups of requests per copilot), ``regions`` (a large round's first prices, by time-zone region,
  with ``far_solve`` on a second core), ``solver`` (OR-Tools min-cost flow and its dual prices),
  ``pricing`` (the optimality certificate) and ``repair`` (mending a round near its new pairs);
  ``pairs`` holds the pair arrays they pass around.
* ``columns``: the profiles as NumPy columns, shared by the modules above.
"""
