# Warnings are errors everywhere: a module opts in through alphintra_warnings(target).
function(alphintra_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wpedantic -Wshadow
                                           -Wnon-virtual-dtor -Wconversion -Wno-sign-conversion)
endfunction()
