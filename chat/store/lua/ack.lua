local sid, receiver, seq, uid = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local ck = P..'chat:'..sid
local sender, field = 'c', 'counsellor_channel'
if receiver == 'c' then sender, field = 's', 'seeker_channel' end
local c = redis.call('HMGET', ck, field, 'state', 'counsellor')
local channel = c[1]
if not channel then return false end
if uid ~= '0' and (c[2] == 'queued' or c[3] ~= uid) then return false end
redis.call('ZREMRANGEBYSCORE', P..'f:'..sid..':'..sender, '-inf', seq)
if ARGV[5] and channel ~= '' then redis.call('PUBLISH', channel, ARGV[5]) end
return channel
