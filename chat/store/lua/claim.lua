local function claim_one(uid, now, ttl)
  local pk = P..'c:'..uid
  local p = redis.call('HMGET', pk, 'state', 'online', 'limit', 'active', 'languages', 'pathways', 'channel')
  if p[1] ~= 'available' or p[2] ~= '1' then return {'not_available'} end
  if redis.call('SCARD', pk..':wrapups') > 0 then return {'wrapup_required'} end
  if tonumber(p[4] or '0') >= tonumber(p[3] or '0') then return {'at_limit'} end
  local best, bestscore = nil, nil
  for _, qk in ipairs(redis.call('SMEMBERS', P..'queues')) do
    local lang, pw = string.match(qk, '^([^:]*):(.*)$')
    if contains(p[5] or '', lang) and ((p[6] or '') == '' or contains(p[6], pw)) then
      local head = redis.call('ZRANGE', P..'q:'..qk, 0, 0, 'WITHSCORES')
      if head[1] then
        local s = tonumber(head[2])
        if best == nil or s < bestscore or (s == bestscore and head[1] < best) then best, bestscore = head[1], s end
      end
    end
  end
  if best == nil then return {'queue_empty'} end
  give(best, uid, p[7] or '', now, ttl)
  return {'ok', best, redis.call('HGETALL', P..'chat:'..best)}
end
-- Several claims, in the order given, as one atomic step: ARGV = ttl, then uid, now pairs.
local out = {}
for i = 2, #ARGV, 2 do out[#out + 1] = claim_one(ARGV[i], tonumber(ARGV[i + 1]), ARGV[1]) end
return out
