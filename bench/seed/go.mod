module h2race/seed-program

go 1.19
