"""Events for subscriptions: typed contracts (`models.py`), published after a commit
through the outbox (`publishing.py`) and fanned out over Redis pub/sub (`pubsub.py`)."""
