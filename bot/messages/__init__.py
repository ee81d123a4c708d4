"""What the bot says: pure Block Kit builders, one module per capability, from plain data to blocks.

Services use them to fill outbox rows; handlers use them to answer a click. May import: the standard
library, `bot.rules` and each other. Never a service package, `storage`, Slack clients or `handlers`.
"""
