local sid, token, score, qk, maxq, ttl = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], tonumber(ARGV[5]), ARGV[6]
if redis.call('ZCARD', P..'queue') >= maxq then return 0 end
local ck = P..'chat:'..sid
for i = 7, #ARGV, 2 do redis.call('HSET', ck, ARGV[i], ARGV[i + 1]) end
redis.call('HSET', ck, 'state', 'queued', 'in_s', 0, 'in_c', 0)
redis.call('EXPIRE', ck, ttl)
redis.call('SET', P..'tok:'..token, sid, 'EX', ttl)
redis.call('ZADD', P..'queue', score, sid)
redis.call('ZADD', P..'q:'..qk, score, sid)
redis.call('SADD', P..'queues', qk)
return 1
