"""The Slack front end: a Bolt for Python app living inside the Starlette front end.

One concern per module:

- :mod:`.app`: builds the Bolt app and wires listeners, middleware and the error handler.
- :mod:`.web_client`: the Slack Web API client (with retries) and ``response_url`` replies.
- :mod:`.routes`: the HTTP Events API endpoint; :mod:`.socket_mode`: the Socket Mode link.
- :mod:`.dedupe`: each Slack delivery is handled once, across processes.
- :mod:`.incoming`: which events are answered, and the text they carry.
- :mod:`.places`: where a person spoke, so where (and how privately) to answer.
- :mod:`.commands`: the ``/iep`` subcommand table.
- :mod:`.conversation`: one round trip to Rasa; :mod:`.routing` and :mod:`.delivery`:
  what goes where (privacy), and posting it.
- :mod:`.markdown`, :mod:`.images`, :mod:`.blocks`: rendering Rasa's messages as Block Kit.
- :mod:`.home`: the App Home tab; :mod:`.time_zones`: each person's Slack time zone.
- :mod:`.listeners`: thin listeners that call the above; :mod:`.errors`: the one error path.
"""
