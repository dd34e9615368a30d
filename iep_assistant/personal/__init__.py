"""Personal answers: the rules behind them, as plain functions.

Nothing here knows about Rasa, Slack or the database session; the actions
fetch records through the data layer and hand them to these functions.
"""
