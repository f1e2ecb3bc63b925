//! Integration tests of the test servers; each module covers one server.

mod dev_server;
