# Whole-program check of `alphintra analytics`: requests on stdin, JSON answers on stdout, exit
# codes. Run by ctest as: cmake -DALPHINTRA=<path to alphintra> -P cli_check.cmake
# Expected numbers are published ones (Haug, "The Complete Guide to Option Pricing Formulas",
# 2nd ed., examples 1.1.1 and 1.1.3, printed to 4 decimals), not our own output.
if(NOT ALPHINTRA)
  message(FATAL_ERROR "pass -DALPHINTRA=<path to the alphintra program>")
endif()

set(request_file "${CMAKE_CURRENT_BINARY_DIR}/cli_analytics_request.json")

# run(<sub-command> <request> <out-var> <rc-var>)
function(run command request out_var rc_var)
  file(WRITE "${request_file}" "${request}")
  execute_process(COMMAND "${ALPHINTRA}" analytics ${command} INPUT_FILE "${request_file}"
                  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
  set(${out_var} "${out}" PARENT_SCOPE)
  set(${rc_var} "${rc}" PARENT_SCOPE)
endfunction()

function(expect condition_text)
  if(NOT ${ARGN})
    message(FATAL_ERROR "${condition_text}")
  endif()
endfunction()

# 1. Haug 1.1.1: S = 60, X = 65, T = 0.25, r = 8%, sigma = 30%: call 2.1334 (so in [2.13335, 2.13345)).
run(price [[{"model":"bsm","type":"call","spot":60,"strike":65,"expiry":0.25,"rate":0.08,"volatility":0.3}]] out rc)
expect("price: exit code ${rc}, output ${out}" rc EQUAL 0)
string(JSON price GET "${out}" price)
expect("price: ${price} does not round to Haug's 2.1334" price MATCHES "^2\\.133(3[5-9]|4[0-4])")
string(JSON delta GET "${out}" greeks delta)
expect("price: no delta in ${out}" delta MATCHES "^0\\.[0-9]+")

# 2. A bad request: exit code 2 and a JSON error naming the field, on stdout.
run(price [[{"model":"bsm","type":"call","spot":60,"strike":65,"expiry":0.25,"rate":0.08,"volatility":-0.3}]] out rc)
expect("bad volatility: exit code ${rc} (want 2), output ${out}" rc EQUAL 2)
string(JSON field GET "${out}" error field)
string(JSON code GET "${out}" error code)
expect("bad volatility: field '${field}' code '${code}'" field STREQUAL "volatility" AND code STREQUAL "invalid_request")
run(price "not json" out rc)
expect("invalid json: exit code ${rc}" rc EQUAL 2)
string(JSON code GET "${out}" error code)
expect("invalid json: code '${code}'" code STREQUAL "invalid_json")

# 3. Implied volatility of Haug 1.1.3's Black-76 price 1.7011 (sigma 28%): 0.2800 to 4 decimals.
run(implied-vol [[{"model":"black76","type":"call","forward":19,"strike":19,"expiry":0.75,"rate":0.1,"price":1.7011}]]
    out rc)
expect("implied-vol: exit code ${rc}, output ${out}" rc EQUAL 0)
string(JSON vol GET "${out}" volatility)
expect("implied-vol: ${vol} is not 0.2800" vol MATCHES "^0\\.2800")

# 4. A batch: an array in, an array of the same length out, in order.
run(price [=[[{"model":"bsm","type":"call","spot":60,"strike":65,"expiry":0.25,"rate":0.08,"volatility":0.3},
             {"model":"bsm","type":"put","style":"american","method":"baw","spot":60,"strike":65,"expiry":0.25,
              "rate":0.08,"volatility":0.3}]]=] out rc)
expect("batch: exit code ${rc}, output ${out}" rc EQUAL 0)
string(JSON count LENGTH "${out}")
string(JSON first GET "${out}" 0 price)
expect("batch: ${count} answers, first price ${first}" count EQUAL 2 AND first MATCHES "^2\\.133(3[5-9]|4[0-4])")
message(STATUS "alphintra analytics: all checks passed")

# 4. Every other command through the program, each with an answer that can be worked out by hand.
# Historical VaR at 90% of 10 scenarios is minus the worst P&L: scenario 5 loses 10*100*5% + 1100*2% = 72.
run(var [=[{"method":"historical","confidence":0.9,"horizon_days":1,"factors":["SPX","EURUSD"],
  "positions":[{"id":"spx-etf","asset_class":"equity","factor":"SPX","quantity":10,"price":100},
               {"id":"eur-short","asset_class":"fx","factor":"EURUSD","quantity":-1000,"price":1.1}],
  "returns":[[0.01,0.0],[-0.03,0.01],[0.02,-0.01],[0.0,0.0],[-0.05,0.02],
             [0.01,0.0],[0.0,0.005],[0.01,0.0],[-0.01,0.0],[0.0,-0.02]]}]=] out rc)
expect("var: exit code ${rc}, output ${out}" rc EQUAL 0)
string(JSON var GET "${out}" var)
expect("var: ${var} is not 72" var MATCHES "^(72(\\.0*)?|71\\.9999+[0-9]*)$")

# A 30% equity shock on 1,000 of equity loses 300.
run(stress [=[{"positions":[{"id":"spx","asset_class":"equity","factor":"SPX","quantity":10,"price":100}],
  "scenarios":[{"name":"crash","equity":-0.3}]}]=] out rc)
expect("stress: exit code ${rc}, output ${out}" rc EQUAL 0)
string(JSON pnl GET "${out}" worst pnl)
expect("stress: worst P&L ${pnl} is not -300" pnl MATCHES "^-300(\\.0*)?$")

# Kupiec: 5 exceptions in 250 days at 99%: LR = -2 ln(0.99^245 0.01^5 / (0.98^245 0.02^5)) = 1.9568.
run(var-backtest [=[{"confidence":0.99,"observations":250,"exceptions":5}]=] out rc)
expect("var-backtest: exit code ${rc}, output ${out}" rc EQUAL 0)
string(JSON lr GET "${out}" likelihood_ratio)
expect("var-backtest: LR ${lr} is not 1.9568" lr MATCHES "^1\\.9568")

# Sample covariance of (1,2),(2,4),(3,3): var 1 and 1, covariance 0.5.
run(covariance [=[{"returns":[[1,2],[2,4],[3,3]]}]=] out rc)
expect("covariance: exit code ${rc}, output ${out}" rc EQUAL 0)
string(JSON c01 GET "${out}" covariance 0 1)
expect("covariance: ${c01} is not 0.5" c01 MATCHES "^0\\.5(0*)?$|^0\\.4999999")

# Minimum variance of two uncorrelated assets with variances 0.04 and 0.01: weights 1/5 and 4/5.
run(optimize [=[{"objective":"min-variance","covariance":[[0.04,0],[0,0.01]]}]=] out rc)
expect("optimize: exit code ${rc}, output ${out}" rc EQUAL 0)
string(JSON w0 GET "${out}" weights 0)
expect("optimize: weight ${w0} is not 0.2" w0 MATCHES "^0\\.(2|19999999)")

# Black-Litterman with one absolute view: equilibrium return of asset 0 is 2.5 * (0.04*0.6 + 0.01*0.4) = 0.07.
run(black-litterman [=[{"covariance":[[0.04,0.01],[0.01,0.09]],"market_weights":[0.6,0.4],"risk_aversion":2.5,
  "tau":0.05,"views":[{"asset":0,"return":0.10}]}]=] out rc)
expect("black-litterman: exit code ${rc}, output ${out}" rc EQUAL 0)
string(JSON pi0 GET "${out}" equilibrium_returns 0)
expect("black-litterman: ${pi0} is not 0.07" pi0 MATCHES "^0\\.(07|0699999)")

# Equal risk contribution of two assets with volatilities 0.2 and 0.3: weights 0.6 and 0.4.
run(risk-parity [=[{"covariance":[[0.04,-0.018],[-0.018,0.09]]}]=] out rc)
expect("risk-parity: exit code ${rc}, output ${out}" rc EQUAL 0)
string(JSON w0 GET "${out}" weights 0)
expect("risk-parity: weight ${w0} is not 0.6" w0 MATCHES "^0\\.(6|59999999)")

# Monthly returns +3%, -1%, +3%, -1%: sample deviation 0.02/sqrt(3)*2/... = 0.023094, annualised 0.08.
run(performance [=[{"returns":[0.03,-0.01,0.03,-0.01],"frequency":"monthly","risk_free_rate":0.02}]=] out rc)
expect("performance: exit code ${rc}, output ${out}" rc EQUAL 0)
string(JSON vol GET "${out}" annualized_volatility)
expect("performance: volatility ${vol} is not 0.08" vol MATCHES "^0\\.(08|0799999)")

# Brinson-Fachler: the active return is 0.4*0.20+0.3*(-0.05)+0.3*0.06 - (0.4*0.10+0.2*(-0.04)+0.4*0.08) = 0.019.
run(attribution [=[{"sectors":["UK","Japan","US"],"portfolio_weights":[0.4,0.3,0.3],"benchmark_weights":[0.4,0.2,0.4],
  "portfolio_returns":[0.20,-0.05,0.06],"benchmark_returns":[0.10,-0.04,0.08]}]=] out rc)
expect("attribution: exit code ${rc}, output ${out}" rc EQUAL 0)
string(JSON active GET "${out}" active_return)
expect("attribution: active return ${active} is not 0.019" active MATCHES "^0\\.(019|0189999)")

# Rebalancing 1,000 of cash into one instrument at 50.00 in lots of 10: buy 20.
run(rebalance [=[{"cash":"1000.00","holdings":[{"symbol":"AAA","quantity":"0","price":"50.00","target_weight":1.0,
  "lot_size":"10"}]}]=] out rc)
expect("rebalance: exit code ${rc}, output ${out}" rc EQUAL 0)
string(JSON qty GET "${out}" orders 0 quantity)
string(JSON side GET "${out}" orders 0 side)
expect("rebalance: order ${side} ${qty}, want buy 20" qty STREQUAL "20" AND side STREQUAL "buy")
