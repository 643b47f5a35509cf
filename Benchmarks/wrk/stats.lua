-- Scenario 2: the caller's statistics. One fixed request: wrk formats it once.
package.path = (debug.getinfo(1, "S").source:match("@(.*/)") or "./") .. "?.lua;" .. package.path
require "common"

wrk.path = "/cloudflare-images/api/stats/"
