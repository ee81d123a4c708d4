"""One place for test worlds: every row a test seeds is built by `make`, and the named worlds are
compositions of it.

* `make`: the builder. One function per row kind (person, volunteer, pairing, agreement, checkin,
  report_back, pulse, answers, reflection, request, offer, introduction, contact, promise), each with
  the defaults a real flow would give it, and `seed_pair` (Ana and Sam, active, agreement confirmed).
* `private`: the hardening world, a marker in every private text field (authorization, hostile input,
  double submits).
* `org`: a ~50-person org with three leads and pairings in every health state (summaries).
* `tenants`: two OAuth workspaces with the same user ids and a marker per workspace (tenant isolation,
  data rights).

The running bot, signed requests and the fake Slack are in tests/harness.py; matching's synthetic
worlds for the pure rules and benchmarks are in tests/matching_worlds.py.
"""
