local sid, score = ARGV[1], tonumber(ARGV[2])
local ck = P..'chat:'..sid
local c = redis.call('HMGET', ck, 'state', 'counsellor', 'language', 'pathway')
if not c[1] or c[1] == 'queued' then return 0 end
if c[2] and c[2] ~= '0' then release(sid, c[2]) end
drop_frames(sid)
redis.call('SREM', P..'live', sid)
redis.call('HSET', ck, 'state', 'queued', 'counsellor', 0, 'counsellor_channel', '', 'hs', '', 'score', score)
local qk = c[3]..':'..c[4]
redis.call('ZADD', P..'queue', score, sid)
redis.call('ZADD', P..'q:'..qk, score, sid)
redis.call('SADD', P..'queues', qk)
return 1
