-- One endpoint for wrk: the method, body and headers come from the environment, and the
-- summary is printed as one JSON line (latencies in microseconds) for tests/benchmarks/http.py.
wrk.method = os.getenv("BENCH_METHOD") or "GET"

local body_file = os.getenv("BENCH_BODY_FILE") or ""
if body_file ~= "" then
  local file = assert(io.open(body_file, "rb"))
  wrk.body = file:read("*a")
  file:close()
end

local content_type = os.getenv("BENCH_CONTENT_TYPE") or ""
if content_type ~= "" then
  wrk.headers["Content-Type"] = content_type
end

-- Production sits behind a TLS-terminating proxy, which says so in this header.
wrk.headers["X-Forwarded-Proto"] = "https"

local origin = os.getenv("BENCH_ORIGIN") or ""
if origin ~= "" then
  wrk.headers["Origin"] = origin
end

local cookie = os.getenv("BENCH_COOKIE") or ""
if cookie ~= "" then
  wrk.headers["Cookie"] = cookie
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"socket_errors": %d, "status_errors": %d, "timeouts": %d}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(99),
    errors.connect + errors.read + errors.write, errors.status, errors.timeout))
end
