package prebuilt

func init() { floors["DateTimeModel"] = 605 }
