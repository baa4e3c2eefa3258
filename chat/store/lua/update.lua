local ck = P..'chat:'..ARGV[1]
if redis.call('EXISTS', ck) == 0 then return 0 end
for i = 2, #ARGV, 2 do redis.call('HSET', ck, ARGV[i], ARGV[i + 1]) end
return 1
