"""The event pipeline: per-chat ordered dispatch, units of work and recorded actions.

```
inbox ─> Dispatcher (a queue per peer, a cap overall) ─> one unit per event: the handler decides,
its state changes and recorded actions commit with the event ─> ActionRunner performs the actions
(lanes, retries, idempotent random_id) and marks each done
```
"""
