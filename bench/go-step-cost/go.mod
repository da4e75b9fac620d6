module h2race/go-step-cost

go 1.19
