"""Meeting reminders, meeting notices and the case managers' weekly digest.

- :mod:`.timing`: when a reminder is due, in the person's time zone (plain functions).
- :mod:`.requests`: what "remind me 2 days before Maya's meeting at 8am" asks for.
"""
