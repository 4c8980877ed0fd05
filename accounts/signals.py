"""What accounts asks the apps above it, which answer from their own receivers.

accounts sits at the bottom of the apps: it cannot import the models that point at a profile, so
it asks, and each app answers for what it owns (platforms, media and posts `receivers`).
"""

from django.dispatch import Signal

# Does anything live depend on `profile` (sender Profile, kwarg `profile`)? Each receiver returns
# True or False for its own objects; profiles have no mode of their own (D23).
profile_holds_live_objects = Signal()
