local sid = ARGV[1]
local ck = P..'chat:'..sid
local state = redis.call('HGET', ck, 'state')
if not state or state == 'queued' then return 0 end
drop_frames(sid)
redis.call('HSET', ck, 'state', 'assigned', 'hs', 'init')
return 1
