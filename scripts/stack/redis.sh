# Sourced by up.sh: two Redis servers. The cache may evict anything (allkeys-lru); the queue store
# must never evict or lose acknowledged jobs (noeviction, append-only file), so BullMQ never shares
# a Redis with the cache.
redis_dir() { echo "$AVELON_DATA_DIR/redis-$1"; }

redis_start() {
  local name=$1 port=$2 var=$3; shift 3
  local dir; dir=$(redis_dir "$name")
  if pid_alive "$dir/redis.pid"; then step "redis $name: already running on $port"; return; fi
  claim_port "redis $name" "$port" "$var"
  mkdir -p "$dir"
  step "redis $name: starting on $port"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --dir "$dir" \
    --pidfile "$dir/redis.pid" --logfile "$AVELON_DATA_DIR/logs/redis-$name.log" "$@" ||
    fail "redis $name did not start"
  wait_until "redis $name" 20 redis_cli "$port" ping || fail "redis $name does not answer on $port"
}

redis_up() {
  redis_start cache "$AVELON_REDIS_CACHE_PORT" AVELON_REDIS_CACHE_PORT \
    --maxmemory "${AVELON_REDIS_CACHE_MAXMEMORY:-512mb}" --maxmemory-policy allkeys-lru \
    --save '' --appendonly no
  redis_start queue "$AVELON_REDIS_QUEUE_PORT" AVELON_REDIS_QUEUE_PORT \
    --maxmemory "${AVELON_REDIS_QUEUE_MAXMEMORY:-1gb}" --maxmemory-policy noeviction \
    --appendonly yes --appendfsync everysec --save '900 1'
}

redis_down() {
  local name
  for name in cache queue; do
    pid_alive "$(redis_dir "$name")/redis.pid" || continue
    step "redis $name: stopping"
    stop_pid "$(redis_dir "$name")/redis.pid"
  done
}
