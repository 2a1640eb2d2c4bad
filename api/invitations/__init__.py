"""The invitation state machine: DRAFT → QUEUED → SENT → ACCEPTED (or CANCELLED,
EXPIRED, FAILED).

`request.py` creates the draft, `sending.py` sends (or marks sent) and cancels,
`email_delivery.py` is the job that mails it, `acceptance.py` is the customer's side,
`expiry.py` the periodic sweep.
"""
