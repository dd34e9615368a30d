"""The front ends: the Slack app and the parents' web chat, thin layers over Rasa."""
