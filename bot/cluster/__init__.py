"""Several Rasa servers on one machine, as they would run on several.

`make cluster` (`python -m bot.cluster`) starts, all on loopback and all from
Debian's packages: PostgreSQL (the shared tracker store), Redis (the shared
lock store), two action servers, two Rasa servers and nginx in front of both
pairs. The widget is served through nginx too. Settings come from `.env`
(`CLUSTER_*`, see `.env.example`); `make run` stays the one-process default.
"""
