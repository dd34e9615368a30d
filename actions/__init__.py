"""Rasa custom actions, served by rasa-sdk (`python -m actions.server`).

Actions stay thin: they read what Rasa understood, call plain functions from
:mod:`iep_assistant` and the data layer, and dispatch replies.
"""
