"""Growing each other's network: introductions and their follow-ups, private contacts, promises and
keep-in-touch nudges.

Privacy: contacts and promises are private to their owner (every lookup checks the owner); an
introduction is visible to the three people in it; summaries get counts only.

May import: `bot.rules`, `bot.messages`, `bot.people`, the shared machinery, `bot.runtime` and `storage`.
What people read is built in `bot.messages.introductions`, `.contacts`, `.promises` and `.network`;
the states of an introduction and of a promise are in `bot.rules.network_states`, and reading a due
date out of a typed promise is `bot.rules.promise_dates`.

Modules:
- `introductions`: the introduction modal's draft, its checks, the group DM that makes it, App Home lists.
- `follow_ups`: "did you meet?" a week later (and once more after "Not yet"), the answer, the report back.
- `contacts`: the contact modal's draft, its checks, saving a contact.
- `keep_in_touch`: the keep-in-touch reminder, "We talked" and "Stop reminding me".
- `promises`: a promise read from one typed line, kept, reminded on the day, done or snoozed.
- `my_network`: the "My network" page: contacts a page at a time, open promises, the volume.
- `volume`: the volume guard (open introductions and promises against the program setting).
- `reminder_times`: when a reminder due on a local date goes out (nudge hour, working day, grace period).
- `ownership`: `NotYours` and the owner-checked lookup of a contact or promise.
"""
