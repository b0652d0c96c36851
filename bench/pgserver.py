"""The PostgreSQL server a benchmark runs on: its own database made, checked and dropped through
the server's `postgres` database, and the settings that explain a run's figures."""

from urllib.parse import urlsplit, urlunsplit

POSTGRES_SCHEMES = ("postgres", "postgresql", "pgsql", "psql")


class PostgresServer:
    def __init__(self, url):
        self.parts = urlsplit(url)

    def url_of(self, name):
        p = self.parts
        return urlunsplit((p.scheme, p.netloc, "/" + name, p.query, ""))

    def label_of(self, name):
        return f"PostgreSQL database {name} on {self.parts.hostname}:{self.parts.port or 5432}"

    def _run(self, sql, params=None):
        import psycopg2

        p = self.parts
        conn = psycopg2.connect(dbname="postgres", user=p.username or None, password=p.password or None,
                                host=p.hostname or None, port=p.port or None)
        conn.autocommit = True  # CREATE and DROP DATABASE cannot run in a transaction
        try:
            with conn.cursor() as cur:
                cur.execute(sql, params)
                return cur.fetchall() if cur.description else None
        finally:
            conn.close()

    def exists(self, name):
        return bool(self._run("SELECT 1 FROM pg_database WHERE datname = %s", [name]))

    def create(self, name):
        """A fresh, empty database (one left by an interrupted run is dropped first)."""
        self.drop(name)
        self._run(f'CREATE DATABASE "{name}"')

    def drop(self, name):
        try:
            from django.db import connections

            connections.close_all()  # this process's own connections to it
        except Exception:  # noqa: BLE001 - Django not set up yet
            pass
        self._run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def settings_summary(self):
        rows = {name: setting for name, setting in self._run(
            "SELECT name, setting FROM pg_settings WHERE name IN "
            "('shared_buffers', 'work_mem', 'max_parallel_workers_per_gather', 'jit', 'server_version')")}
        return (f"PostgreSQL {rows['server_version']}, shared_buffers {int(rows['shared_buffers']) * 8 // 1024} MB, "
                f"work_mem {int(rows['work_mem']) // 1024} MB, parallel workers/gather "
                f"{rows['max_parallel_workers_per_gather']}, jit {rows['jit']}")
