local sid, uid, now, ttl = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
local ck = P..'chat:'..sid
local c = redis.call('HMGET', ck, 'state', 'counsellor')
if not c[1] then return {'bad_state'} end
if c[2] == uid and c[1] ~= 'queued' then return {'bad_state'} end
local pk = P..'c:'..uid
local p = redis.call('HMGET', pk, 'state', 'online', 'limit', 'active', 'channel')
if p[2] ~= '1' or p[1] == 'offline' or not p[1] then return {'not_available'} end
if tonumber(p[4] or '0') >= tonumber(p[3] or '0') then return {'at_limit'} end
local previous = '0'
if c[1] ~= 'queued' and c[2] and c[2] ~= '0' then
  previous = c[2]
  release(sid, previous)
end
give(sid, uid, p[5] or '', now, ttl)
return {'ok', sid, previous}
