"""For developers and operators: the `partner-connect` command, the one-process `dev`
stack, seeding, the embedded Redis and the demo data."""
