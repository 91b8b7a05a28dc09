"""gRPC shell shared by every service: server factory, interceptors, error mapping, conversions."""
