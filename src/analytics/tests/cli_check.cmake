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
