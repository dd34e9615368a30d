"""IEP Assistant: the shared core (settings, knowledge base, data layer, rules, CLI).

Kept free of heavy imports: the Rasa environment (Python 3.10) imports
:mod:`iep_assistant.signing` from here.
"""
