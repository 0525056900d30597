"""APScheduler (not installed): see apscheduler/schedulers/background.py."""
__oracle_stub__ = True
