-- Issue 18: a cancelled event ends every live order of it (holds and paid ones) in one statement, found by event.
CREATE INDEX orders_live_by_event_idx ON orders (event_id, id) WHERE status IN ('created', 'awaiting:payment', 'complete');
