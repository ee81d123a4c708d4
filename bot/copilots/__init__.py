"""Finding a mentee their copilot: volunteering, requests, offers and the copilot's consent, and rounds.

May import: `bot.rules`, `bot.messages`, `bot.people`, the shared machinery (`bot.outbox`, `bot.pairings`,
`bot.submissions`), `bot.runtime` and `storage`. Hands an accepted offer to `bot.expectations`
(`start_expectations`). Request and offer states are `bot.rules.lifecycle.RequestState` / `OfferState`;
the forms and what people read are in `bot.messages.volunteering`, `.mentee_requests` and `.offers`.

Modules, in the order a request lives through them:
- `volunteering`: the volunteer form checked and stored as a CopilotProfile; pausing; the Home summary.
- `mentee_requests`: `/mentor request` and `/mentor status`: one open request per mentee, checked
  (a named colleague too, before the ack), stored, handed to offers; cancelling.
- `match_data`: what matching knows, read from the database into `bot.rules.matching` facts: the whole
  workspace (load_match_data) or one mentee and one possible copilot (load_pair_data).
- `offers`: asking the best copilot not yet asked, telling the mentee and admins, withdrawing offers,
  and expiring unanswered ones (a planner) so the next candidate is asked.
- `consent`: the proposed copilot's Accept (the hard rules re-run; a pairing, handed to expectations)
  or Decline.
- `standing`: after an org-chart change (an `org_changed` hook), offers and pairings the rules no longer
  allow are withdrawn and ended kindly, and listed for the admin.
- `rounds`: a matching round pairs every waiting request at once; the admin's counts.
"""
