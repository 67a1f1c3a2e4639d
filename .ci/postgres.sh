# Sourced by .ci/run: start a PostgreSQL server from Debian's packages for the
# PostgreSQL-backed study test, and export its URL. Without apt or a server the test
# skips, saying why; nothing here fails the run.
start_test_postgres() {
    if ! command -v pg_ctlcluster >/dev/null 2>&1; then
        command -v apt-get >/dev/null 2>&1 || return 1
        apt-get update -qq >/dev/null 2>&1 || return 1
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null 2>&1 || return 1
    fi
    local version port
    version=$(pg_lsclusters -h 2>/dev/null | awk '$2 == "main" {print $1}' | sort -n | tail -1)
    if [ -z "$version" ]; then
        version=$(ls /usr/lib/postgresql | sort -n | tail -1)
        pg_createcluster "$version" main >/dev/null 2>&1 || return 1
    fi
    if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main"' | grep -q online; then
        pg_ctlcluster "$version" main start || return 1
    fi
    port=$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {print $3}')
    su postgres -c "psql -q -p $port -tc \"SELECT 1 FROM pg_roles WHERE rolname = 'tradekernel'\"" \
        | grep -q 1 \
        || su postgres -c "psql -q -p $port -c \"CREATE ROLE tradekernel LOGIN PASSWORD 'tradekernel'\"" \
        || return 1
    su postgres -c "psql -q -p $port -tc \"SELECT 1 FROM pg_database WHERE datname = 'tradekernel_test'\"" \
        | grep -q 1 \
        || su postgres -c "createdb -p $port -O tradekernel tradekernel_test" || return 1
    export TRADEKERNEL_TEST_POSTGRES_URL="postgresql://tradekernel:tradekernel@127.0.0.1:$port/tradekernel_test"
}

if start_test_postgres; then
    echo "ci: PostgreSQL at 127.0.0.1 for the PostgreSQL-backed study test"
else
    echo "ci: no PostgreSQL (apt-get or the server unavailable): its study test will skip"
fi
