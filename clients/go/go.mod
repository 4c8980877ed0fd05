module github.com/letmepost/letmepost-go

go 1.19
