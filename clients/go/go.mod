module h2race/go-net-http

go 1.19
