-- wrk script for `make soak` (scripts/soak.sh): a fixed mix of API calls, status codes counted per thread.
-- The data file named by $SOAK_DATA defines: prefix, token, secret (the webhook secret), ids (image ids), webhooks
-- (the Cloudflare ids the webhook deliveries name).

local data = dofile(os.getenv("SOAK_DATA"))

-- One cycle of 20 requests: 6 image details, 4 lists, 4 stats, 3 upload URLs, 3 webhooks.
local mix = {
  "detail", "list", "stats", "upload", "detail", "webhook", "list", "detail", "stats", "upload",
  "detail", "webhook", "list", "stats", "detail", "upload", "webhook", "list", "detail", "stats",
}

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

local n = 0
counts = {}

local auth = { ["Authorization"] = "Token " .. data.token }
local json = { ["Authorization"] = "Token " .. data.token, ["Content-Type"] = "application/json" }
local api = data.prefix .. "/api/"

function request()
  n = n + 1
  local kind = mix[(n - 1) % #mix + 1]
  if kind == "detail" then
    return wrk.format("GET", api .. "images/" .. data.ids[(n - 1) % #data.ids + 1] .. "/", auth)
  elseif kind == "list" then
    return wrk.format("GET", api .. "images/?page_size=20", auth)
  elseif kind == "stats" then
    return wrk.format("GET", api .. "stats/", auth)
  elseif kind == "upload" then
    return wrk.format("POST", api .. "upload-url/", json, '{"filename":"soak.png","metadata":{"soak":"1"}}')
  else
    -- Cloudflare's Notifications envelope with the secret in cf-webhook-auth. 100 correlation ids per image: the
    -- first delivery of each body is processed (the image re-fetched from Cloudflare, the key stored), later ones
    -- are redeliveries, answered from the stored key, as Cloudflare's retries are; the stored keys stay bounded.
    local image = data.webhooks[(n - 1) % #data.webhooks + 1]
    local headers = {
      ["Content-Type"] = "application/json",
      ["cf-webhook-auth"] = data.secret,
    }
    local body = '{"name":"soak","text":"Image uploaded","data":{"image_id":"' .. image ..
      '","status":"uploaded"},"ts":1767225600,"account_id":"emulator-account","policy_id":"soak",' ..
      '"policy_name":"soak","alert_type":"image_notification","alert_correlation_id":"soak-' .. (n % 100) ..
      '","alert_event":""}'
    return wrk.format("POST", api .. "webhook/", headers, body)
  end
end

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("counts")) do
      total[status] = (total[status] or 0) + count
    end
  end
  local e = summary.errors
  io.write(string.format("SOAK requests=%d duration_us=%d connect=%d read=%d write=%d timeout=%d p50_us=%d p99_us=%d max_us=%d\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
  for status, count in pairs(total) do
    io.write(string.format("SOAK_STATUS %d %d\n", status, count))
  end
end
