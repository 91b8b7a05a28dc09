"""Pure console rules: no Starlette, grpc, SQLAlchemy or settings imports here."""
