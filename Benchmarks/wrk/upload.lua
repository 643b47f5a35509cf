-- Scenario 3: ask for a one-time upload URL (one Cloudflare API call each, which the emulator delays by 50 ms).
-- One fixed request: wrk formats it once.
package.path = (debug.getinfo(1, "S").source:match("@(.*/)") or "./") .. "?.lua;" .. package.path
require "common"

wrk.method = "POST"
wrk.path = "/cloudflare-images/api/upload-url/"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"metadata":{"source":"benchmark"}}'
