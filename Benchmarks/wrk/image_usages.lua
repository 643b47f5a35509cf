-- Scenario 5: the usages of one image, a random one of the seeded rows.
package.path = (debug.getinfo(1, "S").source:match("@(.*/)") or "./") .. "?.lua;" .. package.path
require "common"

vary_path(function()
  return "/cloudflare-images/api/images/" .. image_id(math.random(1, IMAGES)) .. "/usages/"
end)
