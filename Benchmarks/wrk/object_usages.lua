-- Scenario 5: the usages of one object (blog.post i references image i), a random one.
package.path = (debug.getinfo(1, "S").source:match("@(.*/)") or "./") .. "?.lua;" .. package.path
require "common"

vary_path(function()
  return "/cloudflare-images/api/usages/?content_type=blog.post&object_id=" .. math.random(1, IMAGES)
end)
