local pk = P..'c:'..ARGV[1]
if redis.call('EXISTS', pk) == 0 then return 0 end
for i = 2, #ARGV, 2 do redis.call('HSET', pk, ARGV[i], ARGV[i + 1]) end
return 1
