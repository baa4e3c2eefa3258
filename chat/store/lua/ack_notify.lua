local ck = P..'chat:'..ARGV[1]
local field = 'counsellor_channel'
if ARGV[2] == 'c' then field = 'seeker_channel' end
local channel = redis.call('HGET', ck, field)
if channel and channel ~= '' then redis.call('PUBLISH', channel, ARGV[3]) end
return 1
